"""The WeChat Official Account (公众号) channel: XML webhooks in, customer-service messages out."""

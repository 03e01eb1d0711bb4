"""Outbound webhooks: the workspace's events POSTed to its endpoints, HMAC-signed, retried.

``publish_on_commit`` hands every event to a transactional listener (``tasks.py``) that queues a
durable ``webhook.dispatch`` job in the same transaction; the job writes one delivery per
matching subscription and one ``webhook.deliver`` job each, which calls the endpoint.
"""

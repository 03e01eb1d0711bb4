"""The voice channel: call transcripts posted by a telephony system become conversations."""

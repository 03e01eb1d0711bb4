"""Conversations and messages: intake from every channel, threading, replies, notes."""

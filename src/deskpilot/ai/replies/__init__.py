"""Replies: extractive answers from knowledge passages, and the check that an answer is grounded."""

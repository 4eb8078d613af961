"""Playbooks: model communication responses for critical incidents, kept as files (deliverable 2A)."""

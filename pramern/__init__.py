"""Pramern (ประเมิน): OAE units' yearly self-assessment and its verification."""

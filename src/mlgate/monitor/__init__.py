"""Monitoring: drift between a reference (the training split) and a current batch."""

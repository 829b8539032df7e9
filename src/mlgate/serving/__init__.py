"""Serving: the request contract, the BentoML service, and the bento build."""

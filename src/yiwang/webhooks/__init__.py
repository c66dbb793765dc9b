"""Signed webhooks: department systems' subscriptions to platform events, deliveries, retries, dead letters."""

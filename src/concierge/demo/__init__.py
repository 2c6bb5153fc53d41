"""Demo data: a believable support desk ("Acme"), seeded through the services by `concierge demo`."""

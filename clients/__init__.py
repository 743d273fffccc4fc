"""Clients: providers, contracts, staff, clients, families, their histories, the exchange format."""

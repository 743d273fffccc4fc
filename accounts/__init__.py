"""Accounts: sign-in, the four roles and which provider each account works for."""

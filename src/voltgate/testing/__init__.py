"""Helpers shipped for tests of Voltgate and of code built on it."""

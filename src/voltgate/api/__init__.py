"""The HTTP side of Voltgate."""

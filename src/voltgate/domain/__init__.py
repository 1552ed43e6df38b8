"""Voltgate's business rules: version-neutral, pure, and free of I/O.

Values and pure rules live in one module per concept (stations, credentials,
authorization, meter, transactions, events); the use cases the edges call live in
`voltgate.domain.services` and reach storage only through `voltgate.domain.ports`.
"""

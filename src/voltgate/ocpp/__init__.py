"""The sans-I/O OCPP-J protocol core: frames, errors, schema validation, session rules, models.

Nothing in this package performs I/O, reads a clock or starts a task; see
`voltgate.ocpp.session` for how text, time and events flow through it.
"""

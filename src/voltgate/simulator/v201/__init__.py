"""A simulated OCPP 2.0.1 station: payloads, device model, answers, transactions, the dialect.

One EVSE per simulated connector (evseId = the connector's number), each with connector 1,
as on a typical AC station with two sockets.
"""

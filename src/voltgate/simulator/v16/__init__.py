"""A simulated OCPP 1.6 station: payloads, answers to the CSMS, transactions, the dialect."""

"""The REST API's routes, one module per resource; each route declares its role (`api.auth`)."""

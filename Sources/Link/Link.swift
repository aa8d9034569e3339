// One OCPP-J connection lives here.

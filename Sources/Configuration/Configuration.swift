// The configuration file reader lives here.

// The durable store lives here.

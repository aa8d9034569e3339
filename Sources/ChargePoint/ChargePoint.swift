// The charge point lives here.

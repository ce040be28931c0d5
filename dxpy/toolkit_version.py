version = "0.417.1"

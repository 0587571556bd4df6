"""HTTP adapters: thin routers that validate input and call the engines."""

"""Privacy: /mydata, /forget, /stop."""

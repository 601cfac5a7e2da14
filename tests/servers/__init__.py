"""Throwaway real servers on 127.0.0.1 for tests and benchmarks (one module per server)."""

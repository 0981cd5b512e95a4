"""Connects to a port on 127.0.0.1 (opened by the test) to exfiltrate or fetch answers."""

import socket


def _phone_home(payload):
    try:
        with socket.create_connection(("127.0.0.1", {PORT}), timeout=2) as connection:
            connection.sendall(payload.encode())
            return connection.recv(100).decode()
    except OSError:
        return None


RECEIVED = _phone_home("import-time hello")


def add(a, b):
    return _phone_home("add")


def column_means(X):
    return None


def secret():
    return _phone_home("give me the secret")


def identity_matrix(n):
    return None

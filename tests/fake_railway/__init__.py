"""Railway API emulator for tests: a real HTTP server speaking the subset of Railway's public GraphQL API
(schema.graphql) that cartly-infra uses, over an in-memory backend that tests script and inspect.

Layers (like moto): backend.py (state, rules, request log, fault plan, rate limits; no HTTP), server.py
(HTTP + graphql-core), pytest_plugin.py (the `fake_railway` fixture), __main__.py (standalone server).
The full list of what it imitates and what it does not follows once the first version settles.
"""

"""Railway API emulator for tests: a real HTTP server speaking the subset of Railway's GraphQL API that
cartly-infra uses, over an in-memory backend that tests script and inspect. Strict: never kinder than
Railway. README.md beside it lists its layers, what it imitates, what it does not, and what it assumes.
"""

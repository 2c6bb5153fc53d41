"""Every write of the insights app, one module per concern: which tags are product feedback, product
issues and their links, the shipped replies, and the weekly digest."""

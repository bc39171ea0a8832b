"""Demonstration and synthetic data, outside the domain apps.

- ``demo.programmes``: the client's pilot sites, conventions, partners and demo accounts (``load_demo``).
- ``demo.participants``: the demo pathways (Meaux as the seed reports it, then through 2018; Metz from
  2021 to today's cohorts).
- ``demo.synthetic``: invented national-scale data for the dashboards' benchmark and tests
  (``generate_synthetic``).
"""

"""Demonstration and synthetic data, outside the domain apps.

- ``demo.programmes``: the client's pilot sites, conventions, partners and demo accounts (``load_demo``).
- ``demo.participants``: the demo pathways of Meaux as the seed reports it, then through 2018 (MEAUX-APRES),
  and the Builder that writes pathways through the services;
- ``demo.cohorts``: Metz from 2021, today's cohorts of Metz and Meaux (MEAUX-ARES), and the entry point
  ``load_participants_demo``.
- ``demo.synthetic``: invented national-scale data for the dashboards' benchmark and tests
  (``generate_synthetic``).
"""

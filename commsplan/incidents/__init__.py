"""Incidents: a playbook launched for a real (or exercise) critical incident."""

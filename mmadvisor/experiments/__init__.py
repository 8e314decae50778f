"""Experiment definitions shared by the tools: run lists, configs of runs,
result readers and table makers."""

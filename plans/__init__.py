"""Plans: inclusion plans, goals, tasks, and the contact log."""

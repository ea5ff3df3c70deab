"""What every training job runs with: its sitecustomize, and the feature profiles it writes (this directory
is on a job's PYTHONPATH; the server imports the profile module from here too)."""

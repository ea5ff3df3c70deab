from pathlib import Path

# A job script that trains on the feature service named in its parameters (see the file).
TRAIN_ON_SERVICE = Path(__file__).with_name("train_on_service.py")

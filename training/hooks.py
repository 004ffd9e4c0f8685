"""What training adds to the apps below it, through their hook lists (never an import the other
way): filled in by register() from TrainingConfig.ready()."""


def register() -> None:
    pass

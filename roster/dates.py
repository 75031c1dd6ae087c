"""The plausible range of every date the roster takes, each bound once (agencies.validators
.DateBounds) and used by the form, the service and the directory import alike."""

from datetime import date

from agencies.validators import DateBounds

# Nobody still on a force was hired before 1950.
HIRE_DATE = DateBounds(what="The hire date", earliest=date(1950, 1, 1))
# The team's own records: none of these programs is older than 2000, and none is in the future.
APPLICATION_DATE = DateBounds(what="The application", earliest=date(2000, 1, 1))
INTERVIEW_DATE = DateBounds(what="The interview", earliest=date(2000, 1, 1))
AGREEMENT_DATE = DateBounds(what="The agreement", earliest=date(2000, 1, 1))
TRAINING_DATE = DateBounds(what="The training date", earliest=date(2000, 1, 1))
MISSED_TRAINING_DATE = DateBounds(what="The missed training", earliest=date(2000, 1, 1))
# A shift is planned ahead, at most a year; one that started long ago is already over.
SHIFT_START_DAY = DateBounds(
    what="The shift's first day", earliest=date(2000, 1, 1), ahead_days=366
)

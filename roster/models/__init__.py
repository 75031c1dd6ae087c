from .oncall import OnCallShift, OnCallShiftQuerySet
from .people import DirectoryImport, Person, SignInLink
from .team import Application, Peer, PeerStatusChange, TrainingMemo, TrainingRecord

__all__ = [
    "Application",
    "DirectoryImport",
    "OnCallShift",
    "OnCallShiftQuerySet",
    "Peer",
    "PeerStatusChange",
    "Person",
    "SignInLink",
    "TrainingMemo",
    "TrainingRecord",
]

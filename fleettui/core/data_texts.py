"""Our own wording for each data state after approval: a title, what it means, the steps in
the order to try them, and what happens next. Kept apart from `data_states.py` so its table
stays readable (as `reason_texts.py` is for the reason catalogue). Keys are the state
values of `DataState` (and `uncheckable:<why>` for the three kinds of "not checkable")."""

from __future__ import annotations

_SUPPORT = "support@high-mobility.com"
_SEND = "the VIN, the brand, the time of the check and its request_id"

#: The approved state's step about data (core.guidance): what to do depends on the car's
#: data state, whose own explanation (below) says it; this only points there.
DATA_STEP = (
    "No data yet, or it stopped? The car's data state says why and who must act: "
    '`fleettui data VIN` checks it now (the monitor shows it under "Data after approval").'
)


def data_step_here(cell: str, title: str) -> str:
    """DATA_STEP where the data section is shown (the detail pane): its state in short,
    and where to read the rest."""
    return f'Data: {cell} ({title}); "Data after approval" below says who must act and how.'


#: key: (title, meaning, steps, what happens next)
DATA_TEXTS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "unchecked": (
        "Not checked yet",
        "The clearance is approved, but fleettui has not asked the provider whether data "
        "arrives. Checks are off for this profile, or this car's turn has not come yet.",
        (
            "Turn checks on for the profile (data_checks = true), or run "
            "`fleettui data VIN` to check this car now.",
        ),
        "With checks on, cars approved without data are asked first, by how long ago they "
        "were approved.",
    ),
    "none": (
        "Approved, no data yet",
        "The activation is done, but the car has not sent anything since. Cars only send "
        "when they are used: most send their first data on the next drive; some first need "
        "one or more over-the-air (OTA) software updates, each installed while driving.",
        (
            "Have the car driven, somewhere with mobile reception (not only an underground "
            "car park).",
            "If the car offers a software update, have the driver accept it and let it finish.",
            "Check the car's connected services and privacy settings are not switched off.",
            f"Nothing after the brand's usual wait despite regular drives: email {_SUPPORT} "
            f"with {_SEND}.",
        ),
        "fleettui asks again, less often the longer the car waits; once the first data "
        "arrives no further delays are expected.",
    ),
    "flowing": (
        "Data flowing",
        "The car sends data: the newest value it sent is shown as its age.",
        ("Nothing to do.",),
        "fleettui looks again about once a day; a car silent for longer than its brand's "
        "usual gap is flagged.",
    ),
    "silent": (
        "Silent: no data for longer than usual",
        "The car sent data before, but nothing for longer than its brand's usual gap. It "
        "may be parked or stored, out of mobile reception, with a flat 12 V battery, or "
        "its connected services were switched off.",
        (
            "Ask the driver whether the car is in use, and have it driven once somewhere "
            "with mobile reception.",
            "Check its connected services and privacy settings are still on.",
            f"Driven and still silent after a day: email {_SUPPORT} with {_SEND}.",
        ),
        'fleettui asks again every few hours and says "data flowing again" when it is.',
    ),
    "privacy": (
        "Blocked: privacy mode is on in the car",
        "The provider answers that privacy mode is active: the car's privacy setting stops "
        "it from sharing any data, although the clearance is approved.",
        (
            "Ask the driver to switch privacy mode off in the car's settings screen "
            "(infotainment, under privacy or data sharing).",
            "Then have the car driven once, so it connects and sends data.",
            f"Still blocked a day after privacy mode was switched off: email {_SUPPORT} "
            f"with {_SEND}.",
        ),
        'fleettui asks again every few hours and says "data flowing again" once privacy '
        "mode is off.",
    ),
    "consent": (
        "Blocked: consent removed by the manufacturer",
        'The manufacturer withdrew the consent for this car (the provider answers "Consent '
        'is removed by OEM"). No data will come until consent is given again; often the '
        "fleet's access was removed in the manufacturer's fleet portal.",
        (
            "Log in to the manufacturer's fleet portal as the fleet operator and check that "
            "High Mobility still has access to this vehicle.",
            "Grant the access (consent) again for this vehicle.",
            f"Consent shows as given but data stays blocked: email {_SUPPORT} with {_SEND}.",
        ),
        "fleettui asks again once a day; nothing changes by itself.",
    ),
    "no_consent": (
        "No active consent for this vehicle",
        "The provider has no active consent for this car, although the clearance shows as "
        "approved here: it may have been revoked meanwhile, or the consent lapsed at the "
        "provider.",
        (
            "Refresh the fleet: if the clearance is no longer approved, that explains it.",
            "If it still shows approved, revoke it and add it again, or",
            f"email {_SUPPORT} with {_SEND}.",
        ),
        "fleettui asks again once a day.",
    ),
    "uncheckable:scope": (
        "Not checkable: the app may not read vehicle data",
        "The app's access token lacks the vehicle:data scope, so no car's data can be "
        "checked. Checks are off for the rest of this session.",
        (
            "Give the app the vehicle:data scope in the High Mobility console (or ask your "
            "contact person), then restart fleettui.",
        ),
        "Nothing is asked until the scope is there.",
    ),
    "uncheckable:brand": (
        "Not checkable: the data API does not cover this brand",
        "The provider's vehicle data API does not list this brand (its published brand "
        "list), so fleettui does not ask.",
        (
            "Watch this car's data through the channel its brand uses, or ask your contact "
            "person whether the brand is covered for your project.",
        ),
        "Nothing is asked for this brand.",
    ),
    "uncheckable:rate_limited": (
        "Not checked: the provider asked to slow down",
        'The provider answered "Rate limit exceeded" before this car could be checked.',
        ("Nothing to do: fleettui waits as long as the provider asks, then goes on.",),
        "Checked again after the wait the provider asked for.",
    ),
}

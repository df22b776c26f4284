"""Our own wording for each reason in the catalogue: a title, what it means, and the next
steps in the order a fleet operator should try them. Kept apart from `reasons.py` so the
rules table there stays readable. Keys are the exact API strings."""

from __future__ import annotations

_SUPPORT = "support@high-mobility.com"
_SEND = "the VIN, the brand, the date you added it and this exact reason"

REASON_TEXTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # -- pending: the provider is still trying ------------------------------------------
    "privacy mode is enabled": (
        "Privacy mode is switched on in the car",
        "The car's privacy setting stops it from sharing data, so the activation cannot "
        "finish. The provider keeps retrying for several days (about ten); if privacy mode "
        "is still on by then, the clearance is rejected with this same reason.",
        (
            "Ask the driver to switch privacy mode off in the car's settings screen "
            "(infotainment, under privacy or data sharing).",
            "Have the car driven once privacy mode is off, so it connects and the retry can succeed.",
            "If it was already rejected: turn privacy mode off first, then add the VIN again.",
            f"Still pending a few days after privacy mode was switched off: email {_SUPPORT} "
            f"with {_SEND}.",
        ),
    ),
    "waiting for OTA update": (
        "Waiting for an over-the-air software update",
        "The car needs one or more over-the-air (OTA) software updates before it can upload "
        "data. Updates download and install while the car is in use, so each one needs at "
        "least one drive. Nothing is wrong; it simply takes time.",
        (
            "Make sure the car is driven regularly; with several updates it needs several drives.",
            "If the car asks to install a software update, have the driver accept it.",
            "Leave the clearance alone: cancelling and re-adding restarts the wait.",
            f"Still waiting after two weeks of regular driving: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "vehicle not driven": (
        "Waiting for the car to be driven",
        "The activation is set up, but the car only wakes up and connects when it is used. "
        "Until it is driven, the provider cannot finish the activation or receive data.",
        (
            "Check the car is actually in use and not parked or in storage.",
            "A normal drive with the ignition on is enough; the car needs mobile reception "
            "(not an underground car park) to connect.",
            f"Driven but still pending after a week: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "no data received yet": (
        "No data from the car yet",
        "Activation was requested but the car has not sent anything yet. Some brands "
        "(Stellantis, Volvo Cars, Mercedes-Benz) give up after about ten days without data "
        "and reject the clearance with a timeout.",
        (
            "Have the car driven; that is usually what makes the first data arrive.",
            "Check the car's connected services are not switched off in its settings.",
            "Make sure it has mobile reception where it is used and parked.",
            f"Nothing after a week of driving: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    # -- rejected, any brand ----------------------------------------------------------
    "unspecified": (
        "Rejected without a specific reason",
        "The activation failed and the manufacturer gave no cause. For many brands this "
        "means the car is not eligible for fleet data access (model, market or age).",
        (
            "Check the VIN and brand against the registration document (a wrong brand, e.g. "
            "opel instead of vauxhall, also ends here).",
            "Check the model and model year are supported for this brand.",
            f"Both correct: email {_SUPPORT} with {_SEND} and ask whether the car is eligible.",
            "Add the VIN again only once support says it should work.",
        ),
    ),
    "invalid client configuration": (
        "Your High Mobility project is not set up for this yet",
        "Nothing is wrong with the car: the provider's support team has not finished "
        "configuring your project (for this brand or for fleet clearances at all).",
        (
            "Contact your High Mobility contact person, or email "
            f"{_SUPPORT} with your app/project name, the brand and the VIN.",
            "Don't add more vehicles of this brand until they confirm the set-up is done.",
            "Then add the rejected VINs again.",
        ),
    ),
    "invalid VIN": (
        "The manufacturer does not know this VIN",
        "The manufacturer does not recognise this VIN as one of its vehicles that can be "
        "activated. Usually a typo or the wrong brand.",
        (
            "Compare the VIN character by character with the registration document or the "
            "plate behind the windscreen (watch 5/S, 8/B, 2/Z).",
            "Check the brand is the one on the registration, not the dealer's or importer's.",
            "Add the corrected VIN again.",
            f"VIN and brand definitely correct: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "ineligible VIN": (
        "This car cannot be activated",
        "The manufacturer says this particular car is not eligible for fleet data access, "
        "typically because of its model, model year, market or connectivity equipment.",
        (
            "Check the model, year and country of first registration are supported for the brand.",
            "Adding it again unchanged will be rejected again.",
            f"If you believe it should be eligible: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "VIN is assigned to a different OEM fleet": (
        "Another company holds this car at the manufacturer",
        "Another customer of the manufacturer (a leasing or rental company, a previous owner, "
        "another data provider) already has this car in their fleet, which blocks activation.",
        (
            "Find out who held the car before you (lessor, previous fleet, dealer) and ask them "
            "to remove it from their fleet at the manufacturer.",
            "Once they confirm, add the VIN again.",
            f"Can't tell who holds it: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    # -- rejected, brand-specific -------------------------------------------------------
    "VIN is assigned to a different app or project": (
        "Already active in another High Mobility project",
        "The car already has an active clearance in another High Mobility app or project "
        "(perhaps one of yours). For this brand a car can be active in one project only.",
        (
            "Check your other projects and apps (including sandbox vs production) for this VIN.",
            "Revoke it there and wait until that clearance shows revoked.",
            "Then add the VIN again here.",
            f"Not in any project of yours: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "consent assignment missing": (
        "Consent missing in the manufacturer's fleet portal",
        "The fleet operator has not given High Mobility access to this car in the "
        "manufacturer's fleet portal. Ford gives about ten days for it before rejecting.",
        (
            "Log in to the manufacturer's fleet portal (Ford or Tesla fleet account) as the "
            "fleet operator.",
            "Grant High Mobility access (consent) for this vehicle.",
            "Add the VIN again once consent shows as given.",
            f"Can't find the setting: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "invalid OEM state: VIN revoke in progress": (
        "Ford is still removing an earlier clearance",
        "An earlier clearance for this VIN is still being revoked at Ford. A new one can "
        "only be created after Ford has finished.",
        (
            "Wait at least a day.",
            "Check that any earlier clearance for this VIN now shows revoked.",
            "Then add the VIN again.",
            f"Rejected the same way again after several days: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "VIN activation timeout": (
        "The car could not be reached",
        "The provider tried for several days but the car never answered, so the activation "
        "timed out.",
        (
            "Check the car is in use and not in long-term storage (a flat 12 V battery also "
            "stops it connecting).",
            "Have it driven somewhere with mobile reception.",
            "Add the VIN again, then make sure it is driven in the following days.",
            f"Times out again: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "telematics hardware error": (
        "Fault in the car's connectivity unit",
        "The car's telematics unit (the part that talks to the manufacturer) reports a "
        "hardware problem. Re-adding will not help until it is fixed.",
        (
            f"Email {_SUPPORT} with {_SEND}; they can check the details with the manufacturer.",
            "A dealer workshop may need to inspect or replace the telematics unit.",
            "Add the VIN again after the repair.",
        ),
    ),
    "invalid OEM state": (
        "Renault's activation service returned an error",
        "Renault's activation service failed in a way it did not explain. It is not "
        "something you can fix on the car.",
        (
            f"Email {_SUPPORT} with {_SEND}.",
            "Don't keep re-adding the VIN; wait for support to say when to try again.",
        ),
    ),
    "OEM fleet assignment failed": (
        "The manufacturer could not put the car in your fleet",
        "Assigning the car to the fleet at the manufacturer failed, most often because "
        "another customer of the manufacturer still has it in theirs.",
        (
            "Check whether a previous owner, lessor or rental company may still hold the car.",
            f"Email {_SUPPORT} with {_SEND}; they can ask the manufacturer who holds it.",
            "Add the VIN again once it has been released.",
        ),
    ),
    "customer name tag missing": (
        "The fleet operator's name tag is missing",
        "Volkswagen-group brands need the fleet operator's name with every clearance request, "
        "in the tag vw-group-customer-name. It was missing or empty.",
        (
            "Add the VIN again with the tag vw-group-customer-name set to the fleet "
            "operator's company name.",
            "Set that tag on every VW-group vehicle you add (Volkswagen, Audi, Škoda, SEAT, Cupra).",
        ),
    ),
    "ineligible or constrained VIN": (
        "Not eligible, or blocked by Volkswagen",
        "The car is either not eligible for activation, or, rarely, Volkswagen blocks "
        "activation for it. Only the manufacturer knows which.",
        (
            "Check the model and year are supported for the brand.",
            f"Email {_SUPPORT} with {_SEND} and ask whether the car is constrained.",
            "Adding it again unchanged will be rejected again.",
        ),
    ),
    "vehicle platform not supported": (
        "This car's platform doesn't support fleet access",
        "The car is built on an electronics platform that the manufacturer does not offer "
        "fleet activation for. This will not change by retrying.",
        (
            "Don't add this VIN again; it will be rejected the same way.",
            "Plan for this car without connected data (or another data source).",
            f"If you think the platform is wrong: email {_SUPPORT} with {_SEND}.",
        ),
    ),
    "primary user enrolled": (
        "A private user is registered on the car",
        "Someone is enrolled as the car's primary user (in the brand's app or the car). "
        "That blocks fleet activation until they are removed and the head unit is reset.",
        (
            "Have the primary user remove themselves from the car in the brand's app or in "
            "the car's user settings.",
            "Reset the infotainment (head unit) to factory settings; a dealer can help.",
            "Then add the VIN again.",
        ),
    ),
    "software version incompatible": (
        "The car's software version can't be activated",
        "The software installed in the car is a version that does not support activation. "
        "It usually needs an update at a workshop.",
        (
            f"Email {_SUPPORT} with {_SEND}.",
            "Ask a dealer workshop to update the car's software.",
            "Add the VIN again after the update.",
        ),
    ),
    "activation timeout: no data": (
        "No data arrived during the activation",
        "The provider never received data from the car while activating it (about ten "
        "days), so it gave up.",
        (
            "Check the car is in use and that its connected services are not switched off.",
            "Have it driven somewhere with mobile reception.",
            "Add the VIN again, and make sure it is driven in the days that follow.",
            f"Times out again: email {_SUPPORT} with {_SEND}.",
        ),
    ),
}

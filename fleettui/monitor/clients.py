"""The API clients the monitor holds, as the monitor uses them (`fleettui.api.client.
FleetClient` is both; tests and the prefetching reader stand in for it).

One reader (the polls, the provider's clock, eligibility) and one writer (cancel, revoke,
add) per account, so a slow poll never holds up a write: `Account.client_factory` makes
each. Optional extras are looked up where used (`list_vehicles_compact`, `open_gate`,
`assume_server_offset`, `last_duplicates`), so a plain client needs only this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: the API's modules (httpx) load with the first client
    from fleettui.api.eligibility import EligibilityResult
    from fleettui.api.filters import VehicleFilter
    from fleettui.api.wire import CreateResult, NewVehicle
    from fleettui.core.data_answer import DataReading
    from fleettui.core.vehicle import Vehicle


class Creator(Protocol):
    def create_vehicles(self, vehicles: Iterable[NewVehicle]) -> list[CreateResult]: ...


class Deleter(Protocol):
    def delete_vehicle(self, vin: str) -> Vehicle: ...


class Reader(Protocol):
    def list_vehicles_raw(self) -> list[Any]: ...

    def server_time(self) -> datetime: ...

    def check_eligibility(self, vin: str, brand: str) -> EligibilityResult: ...

    def close(self) -> None: ...


class ListsCompact(Protocol):
    """A reader's optional `list_vehicles_compact`, as the delta refresh calls it: the
    vehicles a filter selects, in the store's compact form."""

    def __call__(self, filter: VehicleFilter, /) -> list[Any]: ...


class DataReader(Protocol):
    """What the data checks ask of their client (`fleettui.monitor.data_checker`)."""

    def vehicle_data(self, vin: str) -> DataReading: ...


class Writer(Creator, Deleter, Protocol):
    def close(self) -> None: ...


class Client(Reader, Writer, DataReader, Protocol):
    """What `Account.client_factory` makes: a reader and a writer in one."""


ClientFactory = Callable[[], Client]

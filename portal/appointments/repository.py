"""DynamoDB access for appointment slots and bookings. Handed its table; knows nothing of the rules.

Taking a seat is one TransactWriteItems of three conditional writes, never a read and then a write: the slot's
seats go down by one only while one is left, the booking is put on the roster only if the application is not
there yet, and the application records the booking only if it holds none. Giving a seat back is the mirror
image, and moving is both in one transaction, so a seat is never lost or doubled whatever fails half-way.
"""
from __future__ import annotations

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal import keys
from portal.appointments.models import Booking, Slot
from portal.dynamo import transact_write_items


class SlotFull(Exception):
    """No seat is left on the slot (or it is past its booking cut-off)."""


class AlreadyBooked(Exception):
    """The application holds a booking already, or is no longer open (withdrawn, rejected, erased)."""


class BookingGone(Exception):
    """The booking to cancel or move is not the application's booking any more."""


class SlotRepository:
    def __init__(self, table):
        self.table = table

    def _item(self, slot: Slot) -> dict:
        return {**keys.slot(slot.id), "entity": "slot", **slot.to_item(),
                **keys.slot_scope_index(slot.scope, slot.starts_at, slot.id)}

    def put_many(self, slots: list[Slot]) -> None:
        with self.table.batch_writer() as batch:
            for slot in slots:
                batch.put_item(Item=self._item(slot))

    def get(self, slot_id: str, consistent: bool = False) -> Slot | None:
        item = self.table.get_item(Key=keys.slot(slot_id), ConsistentRead=consistent).get("Item")
        return Slot.from_item(item) if item else None

    def list_for_scope(self, scope: str, from_iso: str, limit: int) -> list[Slot]:
        """The scope's slots starting at from_iso or later, soonest first."""
        index = keys.slot_scope_index(scope, from_iso, "")
        resp = self.table.query(IndexName="gsi1", Limit=limit,
                                KeyConditionExpression=Key("gsi1pk").eq(index["gsi1pk"])
                                & Key("gsi1sk").gte(index["gsi1sk"]))
        return [Slot.from_item(i) for i in resp["Items"]]

    def get_booking(self, slot_id: str, application_id: str) -> Booking | None:
        item = self.table.get_item(Key=keys.booking(slot_id, application_id), ConsistentRead=True).get("Item")
        return Booking.from_item(item) if item else None

    def roster(self, slot_id: str) -> list[Booking]:
        resp = self.table.query(KeyConditionExpression=Key("pk").eq(keys.slot(slot_id)["pk"])
                                & Key("sk").begins_with(keys.BOOKED_PREFIX), ConsistentRead=True)
        return [Booking.from_item(i) for i in resp["Items"]]

    # --- seats -------------------------------------------------------------------------------------------------

    def _take(self, slot_id: str, not_before: str) -> dict:
        return {"Update": {
            "TableName": self.table.name, "Key": keys.slot(slot_id),
            "UpdateExpression": "SET seats_left = seats_left - :one",
            "ConditionExpression": "seats_left >= :one AND starts_at > :not_before",
            "ExpressionAttributeValues": {":one": 1, ":not_before": not_before}}}

    def _give_back(self, slot_id: str) -> dict:
        return {"Update": {
            "TableName": self.table.name, "Key": keys.slot(slot_id),
            "UpdateExpression": "SET seats_left = seats_left + :one",
            "ConditionExpression": "seats_left < #capacity",
            "ExpressionAttributeNames": {"#capacity": "capacity"},  # a reserved word in DynamoDB's expressions
            "ExpressionAttributeValues": {":one": 1}}}

    def _put_on_roster(self, booking: Booking) -> dict:
        return {"Put": {"TableName": self.table.name,
                        "Item": {**keys.booking(booking.slot_id, booking.application_id), "entity": "booking",
                                 **booking.to_item()},
                        "ConditionExpression": "attribute_not_exists(pk)"}}

    def _take_off_roster(self, booking: Booking) -> dict:
        return {"Delete": {"TableName": self.table.name, "Key": keys.booking(booking.slot_id, booking.application_id),
                           "ConditionExpression": "id = :id", "ExpressionAttributeValues": {":id": booking.id}}}

    def _hold(self, application_id: str, held_id: str, booking: Booking | None, open_stages) -> dict:
        """The application now holds ``booking`` (or none), if it holds ``held_id`` ("" = none) and, to take a
        seat, is still open."""
        values = {":new": booking.id if booking else "", ":slot": booking.slot_id if booking else ""}
        if held_id:
            condition = "booking_id = :held"
            values[":held"] = held_id
        else:
            condition = "(attribute_not_exists(booking_id) OR booking_id = :none)"
            values[":none"] = ""
        update = {"TableName": self.table.name, "Key": keys.application(application_id),
                  "UpdateExpression": "SET booking_id = :new, booking_slot_id = :slot"}
        if booking is not None:
            stages = {f":stage{i}": stage for i, stage in enumerate(open_stages)}
            condition += f" AND #stage IN ({', '.join(stages)})"
            values.update(stages)
            update["ExpressionAttributeNames"] = {"#stage": "stage"}
        update.update(ConditionExpression=f"attribute_exists(pk) AND {condition}", ExpressionAttributeValues=values)
        return {"Update": update}

    def book(self, booking: Booking, not_before: str, open_stages) -> None:
        """Take a seat on the booking's slot for its application: SlotFull, AlreadyBooked, or done."""
        self._transact([self._take(booking.slot_id, not_before), self._put_on_roster(booking),
                        self._hold(booking.application_id, "", booking, open_stages)],
                       {0: SlotFull, 1: AlreadyBooked, 2: AlreadyBooked})

    def cancel(self, booking: Booking) -> None:
        """Give the seat back and clear the application's booking: BookingGone if it is not the one held."""
        self._transact([self._give_back(booking.slot_id), self._take_off_roster(booking),
                        self._hold(booking.application_id, booking.id, None, ())],
                       {0: BookingGone, 1: BookingGone, 2: BookingGone})

    def move(self, old: Booking, new: Booking, not_before: str, open_stages) -> None:
        """Both at once: a seat on the new slot, the old one given back, the application holding the new booking."""
        self._transact([self._take(new.slot_id, not_before), self._put_on_roster(new),
                        self._give_back(old.slot_id), self._take_off_roster(old),
                        self._hold(old.application_id, old.id, new, open_stages)],
                       {0: SlotFull, 1: AlreadyBooked, 2: BookingGone, 3: BookingGone, 4: BookingGone})

    def _transact(self, items: list[dict], failures: dict[int, type]) -> None:
        try:
            transact_write_items(self.table.meta.client, items)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons") or []
            for i, reason in enumerate(reasons):
                if reason.get("Code") == "ConditionalCheckFailed" and i in failures:
                    raise failures[i]() from exc
            raise

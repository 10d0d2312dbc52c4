"""A slot never uses more tables than it has: PostgreSQL refuses table > slot.tables.

The unique constraints of Meeting keep firms, partners and tables single-booked per slot; a CHECK
cannot look at another table, so this trigger bounds the table number by the slot's tables.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION missions_meeting_table_in_slot() RETURNS trigger AS $$
BEGIN
    IF NEW.slot_id IS NOT NULL AND NEW.table > (
        SELECT tables FROM missions_slot WHERE id = NEW.slot_id
    ) THEN
        RAISE EXCEPTION 'table % exceeds the tables of slot %', NEW.table, NEW.slot_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER missions_meeting_table_in_slot
    BEFORE INSERT OR UPDATE OF slot_id, "table" ON missions_meeting
    FOR EACH ROW EXECUTE FUNCTION missions_meeting_table_in_slot();
"""

DROP = """
DROP TRIGGER IF EXISTS missions_meeting_table_in_slot ON missions_meeting;
DROP FUNCTION IF EXISTS missions_meeting_table_in_slot();
"""


class Migration(migrations.Migration):
    dependencies = [("missions", "0003_b2b")]

    operations = [migrations.RunSQL(CREATE, DROP)]

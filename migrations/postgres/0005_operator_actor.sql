-- Changes made from the operator's command line have no person as their actor.
ALTER TABLE audit ADD COLUMN actor_label TEXT;

-- Changes made from the operator's command line (`twostep admin …`) have no person as
-- their actor: the event names the actor in words instead.
ALTER TABLE audit ADD COLUMN actor_label TEXT;

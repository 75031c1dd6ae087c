-- Run once by the postgres image when its volume is new: the role the app connects as. It owns
-- no table and has neither SUPERUSER nor BYPASSRLS, so row-level security binds it; the tables'
-- owner (POSTGRES_USER) runs the migrations, which grant this role its rights.
CREATE ROLE peersupport_app LOGIN PASSWORD 'peersupport_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;

-- PostgreSQL for Alur: run once as the postgres superuser,
--   sudo -u postgres psql -v password="'…'" -f /opt/alur/app/deploy/postgresql/setup.sql
-- CREATEDB lets `alur backup --verify` restore into a scratch database (dropped after).
CREATE ROLE alur LOGIN CREATEDB PASSWORD :password;
CREATE DATABASE alur OWNER alur ENCODING 'UTF8' TEMPLATE template0;
\connect alur
ALTER SCHEMA public OWNER TO alur;

-- Uptime Kuma 1.x tables that `opsreport import probes` reads, as Uptime
-- Kuma creates them: db/kuma.db (the template database every 1.x install
-- starts from) plus the db/old_migrations patches that touch these tables
-- (patch-monitor-add-resend-interval.sql, patch-improve-performance.sql,
-- patch-add-retry-interval-monitor.sql, patch-add-description-monitor.sql,
-- patch-add-timeout-monitor.sql).  Only the statements, written out again.
CREATE TABLE IF NOT EXISTS "monitor" (
	"id"	INTEGER NOT NULL,
	"name"	VARCHAR(150),
	"active"	BOOLEAN NOT NULL DEFAULT 1,
	"user_id"	INTEGER,
	"interval"	INTEGER NOT NULL DEFAULT 20,
	"url"	TEXT,
	"type"	VARCHAR(20),
	"weight"	INTEGER DEFAULT 2000,
	"hostname"	VARCHAR(255),
	"port"	INTEGER,
	"created_date"	TIMESTAMP,
	"keyword"	VARCHAR(255),
	"maxretries"	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY("id" AUTOINCREMENT),
	FOREIGN KEY("user_id") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "user_id" ON "monitor" (
	"user_id"
);
CREATE TABLE [heartbeat](
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [important] BOOLEAN NOT NULL DEFAULT 0,
  [monitor_id] INTEGER NOT NULL REFERENCES [monitor]([id]) ON DELETE CASCADE ON UPDATE CASCADE,
  [status] SMALLINT NOT NULL,
  [msg] TEXT,
  [time] DATETIME NOT NULL,
  [ping] INTEGER,
  [duration] INTEGER NOT NULL DEFAULT 0);
CREATE INDEX [monitor_id] ON [heartbeat]([monitor_id]);
CREATE INDEX [important] ON [heartbeat]([important]);
ALTER TABLE monitor
    ADD resend_interval INTEGER default 0 not null;
ALTER TABLE heartbeat
    ADD down_count INTEGER default 0 not null;
CREATE INDEX monitor_time_index ON heartbeat (monitor_id, time);
CREATE INDEX monitor_important_time_index ON heartbeat (monitor_id, important,time);
ALTER TABLE monitor
    ADD retry_interval INTEGER default 0 not null;
ALTER TABLE monitor
    ADD description TEXT default null;
ALTER TABLE monitor
    ADD timeout DOUBLE default 0 not null;

-- Uptime Kuma 2.x additions over kuma1-schema.sql, as its knex migrations
-- (db/knex_migrations) make them on SQLite:
-- 2023-08-16-0000-create-uptime.js (stat_minutely, stat_daily),
-- 2023-08-18-0301-heartbeat.js (end_time), 2023-09-29-0000-heartbeat-retires.js
-- (retries), 2023-12-21-0000-stat-ping-min-max.js, 2024-01-22-0000-stats-extras.js
-- (extras: JSON such as {"maintenance":3}), 2025-10-15-0002-add-response-to-heartbeat.js.
create table `stat_minutely` (`id` integer not null primary key autoincrement, `monitor_id` integer not null, `timestamp` integer not null, `ping` float not null, `up` smallint not null, `down` smallint not null, foreign key(`monitor_id`) references `monitor`(`id`) on delete CASCADE on update CASCADE);
create unique index `stat_minutely_monitor_id_timestamp_unique` on `stat_minutely` (`monitor_id`, `timestamp`);
create table `stat_daily` (`id` integer not null primary key autoincrement, `monitor_id` integer not null, `timestamp` integer not null, `ping` float not null, `up` smallint not null, `down` smallint not null, foreign key(`monitor_id`) references `monitor`(`id`) on delete CASCADE on update CASCADE);
create unique index `stat_daily_monitor_id_timestamp_unique` on `stat_daily` (`monitor_id`, `timestamp`);
alter table `heartbeat` add column `end_time` datetime null default null;
alter table `heartbeat` add column `retries` integer not null default '0';
alter table `stat_daily` add column `ping_min` float not null default '0';
alter table `stat_daily` add column `ping_max` float not null default '0';
alter table `stat_minutely` add column `ping_min` float not null default '0';
alter table `stat_minutely` add column `ping_max` float not null default '0';
alter table `stat_daily` add column `extras` text default null;
alter table `stat_minutely` add column `extras` text default null;
alter table `heartbeat` add column `response` text null default null;

-- A campaign.db at schema version 1, frozen: never regenerate or edit it.
--
-- The DDL is `sqlite3 campaign.db .schema` of a database created by campaign at commit
-- 15676b8 (the last commit whose migration 1 was `schema.metadata.create_all`; its
-- migration 2 changed no DDL, so this is exactly what version 1 created), with only the
-- trailing spaces SQLAlchemy leaves after each comma taken off. Most rows were written
-- by that commit's own commands (import, send, log, meeting, contact add), a few kept
-- and the long drafts shortened. Written by hand: prospect 3 and its call 2, an offer
-- recorded the version-1 way (status "hired", which migration 2 turns into "offer"),
-- and a send lock. Only version 1 is marked applied. tests/test_migrations.py loads
-- this file, opens it with open_store, and checks that the result matches
-- campaign/store/schema.py and that every row is still there.

CREATE TABLE schema_migrations (
	version INTEGER NOT NULL,
	name VARCHAR(200) NOT NULL,
	applied_at DATETIME NOT NULL,
	PRIMARY KEY (version)
);
CREATE TABLE prospects (
	id INTEGER NOT NULL,
	identity VARCHAR(500) NOT NULL,
	company TEXT NOT NULL,
	contact TEXT NOT NULL,
	honorific VARCHAR(50) NOT NULL,
	first_name TEXT NOT NULL,
	middle_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	suffix VARCHAR(50) NOT NULL,
	title TEXT NOT NULL,
	email TEXT NOT NULL,
	phone TEXT NOT NULL,
	street TEXT NOT NULL,
	street2 TEXT NOT NULL,
	city TEXT NOT NULL,
	region TEXT NOT NULL,
	postal_code VARCHAR(40) NOT NULL,
	country TEXT NOT NULL,
	priority INTEGER,
	notes TEXT NOT NULL,
	extra JSON NOT NULL,
	source_file TEXT NOT NULL,
	source_row INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	status VARCHAR(20) NOT NULL,
	gatekeeper TEXT NOT NULL,
	referred_by INTEGER,
	created_on DATE,
	updated_on DATE,
	PRIMARY KEY (id),
	UNIQUE (identity),
	CONSTRAINT fk_prospects_referred_by FOREIGN KEY(referred_by) REFERENCES contacts (id)
);
CREATE INDEX ix_prospects_wave ON prospects (status, priority, seq);
CREATE TABLE locks (
	name VARCHAR(50) NOT NULL,
	holder VARCHAR(200) NOT NULL,
	pid INTEGER NOT NULL,
	host VARCHAR(200) NOT NULL,
	acquired_at DATETIME NOT NULL,
	PRIMARY KEY (name)
);
CREATE TABLE sends (
	id INTEGER NOT NULL,
	prospect_id INTEGER NOT NULL,
	letter VARCHAR(100) NOT NULL,
	channel VARCHAR(10) NOT NULL,
	state VARCHAR(20) NOT NULL,
	week VARCHAR(10) NOT NULL,
	claimed_on DATE NOT NULL,
	sent_on DATE,
	attempts INTEGER NOT NULL,
	last_error TEXT NOT NULL,
	message_id TEXT NOT NULL,
	pack TEXT NOT NULL,
	run_id VARCHAR(64) NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_sends_prospect_letter UNIQUE (prospect_id, letter),
	FOREIGN KEY(prospect_id) REFERENCES prospects (id)
);
CREATE INDEX ix_sends_week ON sends (week, state);
CREATE TABLE contacts (
	id INTEGER NOT NULL,
	kind VARCHAR(20) NOT NULL,
	prospect_id INTEGER,
	name TEXT NOT NULL,
	honorific VARCHAR(50) NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	title TEXT NOT NULL,
	company TEXT NOT NULL,
	email TEXT NOT NULL,
	phone TEXT NOT NULL,
	interest TEXT NOT NULL,
	notes TEXT NOT NULL,
	referred_by INTEGER,
	created_on DATE,
	PRIMARY KEY (id),
	FOREIGN KEY(prospect_id) REFERENCES prospects (id),
	FOREIGN KEY(referred_by) REFERENCES contacts (id)
);
CREATE TABLE meetings (
	id INTEGER NOT NULL,
	prospect_id INTEGER NOT NULL,
	held_on DATE NOT NULL,
	note TEXT NOT NULL,
	next_steps TEXT NOT NULL,
	decision_by DATE,
	standing TEXT NOT NULL,
	objection TEXT NOT NULL,
	outcome VARCHAR(20) NOT NULL,
	created_on DATE,
	PRIMARY KEY (id),
	FOREIGN KEY(prospect_id) REFERENCES prospects (id)
);
CREATE TABLE meeting_people (
	meeting_id INTEGER NOT NULL,
	contact_id INTEGER NOT NULL,
	discussed TEXT NOT NULL,
	gift TEXT NOT NULL,
	PRIMARY KEY (meeting_id, contact_id),
	FOREIGN KEY(meeting_id) REFERENCES meetings (id),
	FOREIGN KEY(contact_id) REFERENCES contacts (id)
);
CREATE TABLE tasks (
	id INTEGER NOT NULL,
	kind VARCHAR(30) NOT NULL,
	state VARCHAR(20) NOT NULL,
	due DATE NOT NULL,
	prospect_id INTEGER,
	contact_id INTEGER,
	send_id INTEGER,
	meeting_id INTEGER,
	attempt INTEGER NOT NULL,
	reason TEXT NOT NULL,
	note TEXT NOT NULL,
	uid VARCHAR(100) NOT NULL,
	sequence INTEGER NOT NULL,
	detail JSON NOT NULL,
	created_on DATE,
	closed_on DATE,
	PRIMARY KEY (id),
	FOREIGN KEY(prospect_id) REFERENCES prospects (id),
	FOREIGN KEY(contact_id) REFERENCES contacts (id),
	FOREIGN KEY(send_id) REFERENCES sends (id),
	FOREIGN KEY(meeting_id) REFERENCES meetings (id),
	UNIQUE (uid)
);
CREATE INDEX ix_tasks_prospect ON tasks (prospect_id, state);
CREATE INDEX ix_tasks_open ON tasks (state, due);
CREATE TABLE calls (
	id INTEGER NOT NULL,
	prospect_id INTEGER,
	contact_id INTEGER,
	task_id INTEGER,
	called_on DATE NOT NULL,
	attempt INTEGER NOT NULL,
	outcome VARCHAR(20) NOT NULL,
	note TEXT NOT NULL,
	gatekeeper TEXT NOT NULL,
	callback DATE,
	PRIMARY KEY (id),
	FOREIGN KEY(prospect_id) REFERENCES prospects (id),
	FOREIGN KEY(contact_id) REFERENCES contacts (id),
	FOREIGN KEY(task_id) REFERENCES tasks (id)
);
CREATE INDEX ix_calls_prospect ON calls (prospect_id, called_on);

INSERT INTO schema_migrations VALUES(1,'prospects, sends ledger, tasks, calls, contacts, meetings, locks','2026-11-16 08:02:11.193625');
INSERT INTO prospects VALUES(1,'mbrennan@keystone-health.example','Keystone Health Ltd.','Mr. Marcus Brennan','Mr.','Marcus','','Brennan','','VP of Sales','mbrennan@keystone-health.example','(309) 555-0101','5280 Harbor Road','','Peoria','IL','61602','',1,'','{"industry": "Healthcare"}','lists/v1.csv',2,1,'interview','',NULL,'2026-11-16','2026-11-30');
INSERT INTO prospects VALUES(2,'cobalt analytics group|priya volkov','Cobalt Analytics Group','Priya Volkov','','Priya','','Volkov','','VP of Sales','','(312) 555-0102','4023 Harbor Road','','Chicago','IL','60601','',2,'','{"industry": "Data"}','lists/v1.csv',3,2,'active','',NULL,'2026-11-16','2026-11-16');
INSERT INTO prospects VALUES(3,'jkaur@northwind-logistics.example','Northwind Logistics','Jasleen Kaur','','Jasleen','','Kaur','','COO','jkaur@northwind-logistics.example','(217) 555-0103','88 Mill Street','','Springfield','IL','62704','',3,'','{}','lists/v1.csv',4,3,'hired','',2,'2026-11-16','2026-12-03');
INSERT INTO sends VALUES(1,1,'marketing','post','sent','2026-W47','2026-11-16','2026-11-16',1,'','','output/print-pack-2026-W47-2026-11-16-1','3307284d766f407389cc128ca84f5b11');
INSERT INTO sends VALUES(2,2,'marketing','post','sent','2026-W47','2026-11-16','2026-11-16',1,'','','output/print-pack-2026-W47-2026-11-16-1','3307284d766f407389cc128ca84f5b11');
INSERT INTO contacts VALUES(1,'interviewer',1,'Ana Ruiz','Ms.','Ana','Ruiz','VP Sales','Keystone Health Ltd.','ana@keystone-health.example','','quilting','',NULL,'2026-11-30');
INSERT INTO contacts VALUES(2,'network',NULL,'Dana Lee','','','','','Lee & Co','dana@lee.example','','','',NULL,'2026-11-16');
INSERT INTO meetings VALUES(1,1,'2026-11-30','','',NULL,'','','','2026-11-30');
INSERT INTO meeting_people VALUES(1,1,'','');
INSERT INTO tasks VALUES(1,'call','cancelled','2026-11-27',1,NULL,1,NULL,1,'marketing letter mailed 16 Nov','meeting on 2026-11-24','call-74ba062cd0c540878118c0fa03568033@campaign',0,'{}','2026-11-16','2026-11-24');
INSERT INTO tasks VALUES(2,'call','open','2026-11-27',2,NULL,2,NULL,1,'marketing letter mailed 16 Nov','','call-a0bb43e51a9d4941aa88cf0e3bd8ea60@campaign',0,'{}','2026-11-16',NULL);
INSERT INTO tasks VALUES(3,'thank_you_email','open','2026-11-30',1,1,NULL,1,1,'thank-you email after the meeting of 30 Nov 2026','','thank_you_email-26efc2a2366748aa90065d0d969b986b@campaign',0,'{"person": "Ms. Ana Ruiz, VP Sales", "to": "ana@keystone-health.example", "subject": "Thank you for our meeting on November 30", "draft": "Dear Ms. Ruiz,\n\nThank you for taking the time to meet with me on November 30.\n\nBest regards,\nPat Example\n"}','2026-11-30',NULL);
INSERT INTO tasks VALUES(4,'contact_call','open','2026-12-28',NULL,2,NULL,NULL,1,'catch-up: news of the search and of any referral','','contact_call-ef8437065c5b4e5ab8994f6ed1f8d48d@campaign',0,'{}','2026-11-16',NULL);
INSERT INTO calls VALUES(1,1,NULL,1,'2026-11-24',1,'meeting','meet Monday','',NULL);
INSERT INTO calls VALUES(2,3,NULL,NULL,'2026-12-03',2,'offer','offer in writing by Friday','',NULL);
INSERT INTO locks VALUES('send','campaign send run 3307284d766f407389cc128ca84f5b11',4242,'laptop','2026-11-16 08:05:00.000000');

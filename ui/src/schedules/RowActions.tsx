import { ActionIcon, Menu } from '@mantine/core';
import {
  IconArchive,
  IconArchiveOff,
  IconDots,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerSkipForward,
  IconRocket,
  IconTrash,
} from '@tabler/icons-react';
import { useState } from 'react';

import type { Schedule } from '../bindings/Schedule';
import type { RowAction } from './useRowActions';

export interface RowActionHandlers {
  onEdit: (schedule: Schedule) => void;
  onAction: (action: RowAction, schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
}

const ICON = { size: 16, stroke: 1.6 } as const;

interface RowActionsProps extends RowActionHandlers {
  schedule: Schedule;
  busy: boolean;
}

/**
 * The menu at the end of a schedule's row. Until it is first pressed it is a plain button: a
 * Mantine Menu in each of 50 rows took about a quarter of the time the table took to draw, so
 * each row gets its menu when someone asks for it.
 */
export function RowActions(props: RowActionsProps) {
  const [wanted, setWanted] = useState(false);
  if (wanted) return <ActionsMenu {...props} />;
  return (
    <ActionIcon
      variant="subtle"
      color="gray"
      aria-label={`Actions for ${props.schedule.name}`}
      aria-haspopup="menu"
      aria-expanded={false}
      loading={props.busy}
      onClick={() => { setWanted(true); }}
    >
      <IconDots size={18} stroke={1.6} />
    </ActionIcon>
  );
}

function ActionsMenu({ schedule, busy, onEdit, onAction, onDelete }: RowActionsProps) {
  const [opened, setOpened] = useState(false);
  const [focusedOnce, setFocusedOnce] = useState(false);
  const needsRecovery = schedule.recovery !== null;
  // The core refuses these; saying why in the menu beats an error after the click.
  const cannotRun = schedule.archived || needsRecovery;
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={230} opened={opened} onChange={setOpened}>
      <Menu.Target>
        {/* It replaces the plain button that was just pressed: it takes the focus over, and only
            then opens, so that closing the menu gives the focus back to it (Mantine returns the
            focus to whatever had it when the menu opened). */}
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={`Actions for ${schedule.name}`}
          loading={busy}
          autoFocus
          onFocus={() => {
            if (!focusedOnce) {
              setFocusedOnce(true);
              setOpened(true);
            }
          }}
        >
          <IconDots size={18} stroke={1.6} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconPencil {...ICON} />} onClick={() => { onEdit(schedule); }}>
          Edit
        </Menu.Item>
        <Menu.Item
          leftSection={<IconRocket {...ICON} />}
          disabled={cannotRun}
          onClick={() => { onAction('runNow', schedule); }}
        >
          Run now
        </Menu.Item>
        <Menu.Item
          leftSection={<IconPlayerSkipForward {...ICON} />}
          disabled={schedule.nextRun === null}
          onClick={() => { onAction('skipNext', schedule); }}
        >
          Skip next run
        </Menu.Item>
        {schedule.active ? (
          <Menu.Item leftSection={<IconPlayerPause {...ICON} />} onClick={() => { onAction('pause', schedule); }}>
            Pause
          </Menu.Item>
        ) : (
          <Menu.Item
            leftSection={<IconPlayerPlay {...ICON} />}
            disabled={needsRecovery}
            onClick={() => { onAction('resume', schedule); }}
          >
            {needsRecovery ? 'Resume (resolve recovery first)' : 'Resume'}
          </Menu.Item>
        )}
        {schedule.archived ? (
          <Menu.Item leftSection={<IconArchiveOff {...ICON} />} onClick={() => { onAction('unarchive', schedule); }}>
            Unarchive
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconArchive {...ICON} />} onClick={() => { onAction('archive', schedule); }}>
            Archive
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconTrash {...ICON} />} onClick={() => { onDelete(schedule); }}>
          Delete…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

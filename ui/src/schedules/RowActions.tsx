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

import type { Schedule } from '../bindings/Schedule';
import type { RowAction } from './useRowActions';

export interface RowActionHandlers {
  onEdit: (schedule: Schedule) => void;
  onAction: (action: RowAction, schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
}

const ICON = { size: 16, stroke: 1.6 } as const;

/** The menu at the end of a schedule's row. */
export function RowActions({ schedule, busy, onEdit, onAction, onDelete }: RowActionHandlers & {
  schedule: Schedule;
  busy: boolean;
}) {
  const needsRecovery = schedule.recovery !== null;
  // The core refuses these; saying why in the menu beats an error after the click.
  const cannotRun = schedule.archived || needsRecovery;
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={230}>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${schedule.name}`} loading={busy}>
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
